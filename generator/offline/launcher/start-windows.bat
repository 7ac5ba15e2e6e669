@echo off
rem RMO Casebook offline copy: double-click to start (Windows).
chcp 65001 > nul
cd /d "%~dp0"
py -3 --version > nul 2>&1
if %errorlevel% == 0 (
  py -3 start.py %*
) else (
  python start.py %*
)
if errorlevel 9009 echo Python が見つかりません。README.txt をご覧ください。
pause

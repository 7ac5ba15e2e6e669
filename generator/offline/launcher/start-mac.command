#!/bin/sh
# RMO Casebook offline copy: double-click to start (macOS).
cd "$(dirname "$0")" || exit 1
if command -v python3 >/dev/null 2>&1; then
  exec python3 start.py "$@"
fi
echo "Python 3 が見つかりません。README.txt をご覧ください。"
echo "（Enter キーを押すと閉じます）"
read -r _

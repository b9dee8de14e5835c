#!/bin/sh
# Install the Debian packages the tests need, if they are missing: chromium (browser tests), nginx
# (web-server tests) and LibreOffice Writer without its GUI (soffice opens the .docx the learning
# record makes for a meeting, as a teacher's word processor would: tests/test_learning_record_docx.py).
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$need"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null

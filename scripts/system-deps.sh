#!/bin/sh
# Install the Debian packages the tests need, if they are missing: chromium (browser tests), nginx
# (web-server tests) and LibreOffice Writer without its GUI (soffice opens the .docx the learning
# record makes for a meeting, as a teacher's word processor would: tests/test_learning_record_docx.py).
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
office=""
command -v soffice >/dev/null 2>&1 || office="libreoffice-writer-nogui"
[ -z "$need$office" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$need $office"
$SUDO apt-get update -qq
[ -z "$need" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
# LibreOffice without its recommended extras (Java, GUI bits): converting a .docx needs none of them
[ -z "$office" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $office >/dev/null

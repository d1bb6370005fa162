# `make install` and `make uninstall` (included by the Makefile): the binary, the man pages,
# the systemd unit and its configuration. PREFIX=/usr/local by default; DESTDIR stages the
# tree elsewhere (packaging, tests/e2e/test_service.py). The configuration is installed only
# where none is (an edited one is kept), its example always; uninstall removes the
# configuration only when it is still the example.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/ebrec
SYSCONFDIR ?= /etc
# systemd reads units from /usr/local/lib/systemd/system as from /usr/lib/systemd/system
UNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL ?= install
MAN1_PAGES := $(wildcard docs/man/*.1)
MAN5_PAGES := $(wildcard docs/man/*.5)

.PHONY: install uninstall
install: $(BUILD)/ebrec
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/ebrec
	$(Q)$(INSTALL) -m 0755 $(BUILD)/ebrec $(DESTDIR)$(BINDIR)/ebrec
	$(Q)$(INSTALL) -m 0644 $(MAN1_PAGES) $(DESTDIR)$(MANDIR)/man1/
	$(Q)$(INSTALL) -m 0644 $(MAN5_PAGES) $(DESTDIR)$(MANDIR)/man5/
	$(Q)sed 's|@BINDIR@|$(BINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' dist/ebrec.service \
		> $(DESTDIR)$(UNITDIR)/ebrec.service
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/ebrec.service
	$(Q)$(INSTALL) -m 0644 dist/ebrec.conf $(DESTDIR)$(DOCDIR)/ebrec.conf.example
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/ebrec/ebrec.conf ] || \
		$(INSTALL) -m 0644 dist/ebrec.conf $(DESTDIR)$(SYSCONFDIR)/ebrec/ebrec.conf
	$(Q)echo "installed ebrec in $(DESTDIR)$(PREFIX); the service: systemctl daemon-reload;" \
		"systemctl enable --now ebrec (configured in $(SYSCONFDIR)/ebrec/ebrec.conf)"

uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/ebrec $(DESTDIR)$(UNITDIR)/ebrec.service \
		$(DESTDIR)$(DOCDIR)/ebrec.conf.example \
		$(patsubst docs/man/%,$(DESTDIR)$(MANDIR)/man1/%,$(MAN1_PAGES)) \
		$(patsubst docs/man/%,$(DESTDIR)$(MANDIR)/man5/%,$(MAN5_PAGES))
	$(Q)! cmp -s dist/ebrec.conf $(DESTDIR)$(SYSCONFDIR)/ebrec/ebrec.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/ebrec/ebrec.conf
	$(Q)rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/ebrec 2>/dev/null || true

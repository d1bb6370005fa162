build/format/intern.o: format/intern.c format/intern.h format/wire.h \
 format/ebr.h format/events.def
format/intern.h:
format/wire.h:
format/ebr.h:
format/events.def:

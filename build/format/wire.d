build/format/wire.o: format/wire.c format/wire.h format/ebr.h \
 format/events.def
format/wire.h:
format/ebr.h:
format/events.def:

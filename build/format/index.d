build/format/index.o: format/index.c format/layout.h format/reader_int.h \
 format/wire.h format/ebr.h format/events.def
format/layout.h:
format/reader_int.h:
format/wire.h:
format/ebr.h:
format/events.def:

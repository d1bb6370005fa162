build/format/reader.o: format/reader.c format/layout.h \
 format/reader_int.h format/wire.h format/ebr.h format/events.def
format/layout.h:
format/reader_int.h:
format/wire.h:
format/ebr.h:
format/events.def:

build/format/writer.o: format/writer.c format/intern.h format/wire.h \
 format/ebr.h format/events.def format/layout.h
format/intern.h:
format/wire.h:
format/ebr.h:
format/events.def:
format/layout.h:

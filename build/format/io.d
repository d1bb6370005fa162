build/format/io.o: format/io.c format/ebr.h format/events.def
format/ebr.h:
format/events.def:

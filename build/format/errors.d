build/format/errors.o: format/errors.c format/ebr.h format/events.def
format/ebr.h:
format/events.def:

build/format/schema.o: format/schema.c format/ebr.h format/events.def
format/ebr.h:
format/events.def:

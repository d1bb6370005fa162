build/format/crc32c.o: format/crc32c.c format/ebr.h format/events.def
format/ebr.h:
format/events.def:

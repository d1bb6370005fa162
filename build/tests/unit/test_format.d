build/tests/unit/test_format.o: tests/unit/test_format.c format/ebr.h \
 format/events.def format/layout.h format/wire.h format/ebr.h \
 tests/unit/check.h
format/ebr.h:
format/events.def:
format/layout.h:
format/wire.h:
format/ebr.h:
tests/unit/check.h:

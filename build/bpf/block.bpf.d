build/bpf/block.bpf.o: bpf/block.bpf.c bpf/common.bpf.h bpf/vmlinux.h \
  bpf/events.h

bpf/common.bpf.h:

bpf/vmlinux.h:

bpf/events.h:

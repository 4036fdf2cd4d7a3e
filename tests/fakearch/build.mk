# A sketch port (issue 21): the smallest architecture the build accepts,
# `make ARCH=tests/fakearch check-unit`. It has one `lkvm run` option of its
# own and proves that an arch's options need no other arch's files.
# `make ARCH=tests/fakearch` links the whole lkvm from its stubs.c.
ARCH_SRCS := tests/fakearch/arch-info.c tests/fakearch/stubs.c
ARCH_HW :=
ARCH_ASM :=
ARCH_UNIT_SRCS := tests/fakearch/arch-info.c tests/fakearch/unit.c
ARCH_FUZZ_SRCS :=
ARCH_CPPFLAGS := -Itests/fakearch
ARCH_LDLIBS :=
ARCH_CLEAN :=
TEST_GUESTS :=

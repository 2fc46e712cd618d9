# jifen — build, test, bench. `make` builds bin/jifen; `make test` runs every test.
CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wno-unused-function -Igrammar -Icompiler -Iruntime -I$(GEN)
LDLIBS  ?= -lsqlite3
BISON   ?= bison
FLEX    ?= flex
BUILD   ?= build
BIN     ?= bin/jifen
GEN      = $(BUILD)/gen

RUNTIME_SRC  = $(wildcard runtime/*.c)
COMPILER_SRC = $(wildcard compiler/*.c)
CLI_SRC      = $(wildcard cli/*.c)
GEN_SRC      = $(GEN)/parser.c $(GEN)/lexer.c

LIB_OBJ = $(RUNTIME_SRC:%.c=$(BUILD)/%.o) $(COMPILER_SRC:%.c=$(BUILD)/%.o) \
          $(BUILD)/gen/parser.o $(BUILD)/gen/lexer.o
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/%.o)

MUTATE_BIN = $(BUILD)/mutate/mutate
MUTATIONS ?= 100000

UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit clean sanitize oom oom-run coverage demo valgrind bench mutate determinism fuzz regress oracle test-long
all: $(BIN)

$(BIN): $(LIB_OBJ) $(CLI_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(GEN)/parser.c $(GEN)/parser.h: grammar/parser.y
	@mkdir -p $(GEN)
	$(BISON) -Wall -Werror --defines=$(GEN)/parser.h -o $(GEN)/parser.c $<

$(GEN)/lexer.c $(GEN)/lexer.h: grammar/lexer.l $(GEN)/parser.h
	@mkdir -p $(GEN)
	$(FLEX) --header-file=$(GEN)/lexer.h -o $(GEN)/lexer.c $<

# generated code is not ours to warn about
$(BUILD)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-sign-compare -Wno-unused-parameter -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c $(GEN)/parser.h $(GEN)/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) -lcmocka $(LDLIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

test: $(BIN) unit regress $(MUTATE_BIN)
	@sh tests/run.sh $(BIN)
	@$(MUTATE_BIN) --quick --brief
	@$(MAKE) -s oracle
	@sh tests/determinism/run.sh -q $(BIN)
	@sh tests/store/run.sh $(BIN)
	@sh tests/publish/run.sh $(BIN)
	@sh tests/cli/run.sh $(BIN)


$(MUTATE_BIN): tests/mutate/mutate.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

# libFuzzer targets (clang); builds into build-fuzz/ (not part of `make test`)
fuzz:
	bash tests/fuzz/run.sh 60

# replays the fuzzers' reproducers (tests/regress/*/*) without libFuzzer, with this build's CC/CFLAGS
regress: $(LIB_OBJ)
	@CC="$(CC)" CFLAGS="$(CFLAGS)" LDLIBS="$(LDLIBS)" sh tests/regress/run.sh $(BUILD) $(LIB_OBJ)

# the second evaluator (a tree walker over the checked tree) against compiler + VM on generated
# policies: 500 in `make test`, 10,000 in `make test-long`
ORACLE_N ?= 500
oracle: $(BIN) $(LIB_OBJ)
	@ORACLE_OBJS="$(LIB_OBJ)" BUILD=$(BUILD) JIFEN=$(BIN) CC="$(CC)" CFLAGS="$(CFLAGS)" LDLIBS="$(LDLIBS)" \
	    sh tests/oracle/run.sh $(ORACLE_N)

test-long: test
	@$(MAKE) -s oracle ORACLE_N=10000

# damaged bytecode files against the reader, the verifier and the VM (tests/mutate/mutate.c)
mutate: $(MUTATE_BIN)
	$(MUTATE_BIN) $(MUTATIONS)

# the same results byte for byte from shuffled rows, permuted columns and the store
determinism: $(BIN)
	@sh tests/determinism/run.sh $(BIN)

# ASan + UBSan build of the whole suite in its own build tree, then the allocation-failure test
SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	$(MAKE) BUILD=build-san BIN=build-san/bin/jifen CFLAGS="$(SAN_CFLAGS)" test oom-run

# line and branch coverage (gcov/lcov) of the whole suite plus the allocation-failure test,
# in its own build tree: report in build-cov/coverage-html/, summary in build-cov/coverage.txt
COV_CFLAGS = -O0 -g --coverage
coverage:
	rm -rf build-cov
	$(MAKE) BUILD=build-cov BIN=build-cov/bin/jifen CFLAGS="$(COV_CFLAGS)" test oom-run
	sh tests/coverage.sh build-cov

# allocation-failure injection (tests/oom): the Nth allocation fails, for every N until the
# operation succeeds, in compile, load, run, import and eval; always on the sanitizer build
oom:
	$(MAKE) BUILD=build-san BIN=build-san/bin/jifen CFLAGS="$(SAN_CFLAGS)" oom-run
oom-run: $(BUILD)/bin/jifen-oom
	@sh tests/oom/run.sh $(BUILD)/bin/jifen-oom
$(BUILD)/bin/jifen-oom: $(LIB_OBJ) $(CLI_OBJ) tests/oom/oomshim.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=aligned_alloc,--wrap=mmap $(LDLIBS)

# the whole suite under valgrind (unit tests and every jifen command of the runner)
valgrind: $(BIN) $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do valgrind -q --error-exitcode=99 --leak-check=full $$t >/dev/null; done
	@printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all %s "$$@"\n' "$(abspath $(BIN))" > $(BUILD)/jifen-vg && chmod +x $(BUILD)/jifen-vg
	@sh tests/run.sh $(BUILD)/jifen-vg

# the benchmark suite: bench/run.sh writes bench/results.md (not part of `make test`)
bench: $(BIN)
	sh bench/run.sh

# build, then keep the example organisation's ledger in a store: init, import, evaluate two
# years (the second reads the first's stored results), report, explain, publish the board
DEMO_DB = $(BUILD)/demo.db
demo: $(BIN)
	@$(BIN) check rulesets/*.jf
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN) db init $(DEMO_DB)
	$(BIN) db policy $(DEMO_DB) rulesets/xianfeng.jf --from 2023-01-01
	$(BIN) import $(DEMO_DB) --branches examples/branches.csv --members examples/members.csv --events examples/events.csv
	$(BIN) eval $(DEMO_DB) --year 2024 > /dev/null
	$(BIN) eval $(DEMO_DB) --year 2025
	$(BIN) report $(DEMO_DB) --year 2025 --org CITY
	$(BIN) explain $(DEMO_DB) --member M01 --year 2025
	$(BIN) publish $(DEMO_DB) --year 2025 --branch B1 -o $(BUILD)/board-B1.html
	@echo "points board: $(BUILD)/board-B1.html"

# header dependencies written by -MMD: a changed header rebuilds the objects that include it
-include $(wildcard $(BUILD)/*/*.d $(BUILD)/gen/*.d)

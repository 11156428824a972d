# The statistics warehouse (dw/): schema and ETL in dw/sql, command-line
# tools in dw/cli.
#   build/g2b-gen   synthetic live data (tests, benchmarks, demos)
#   build/g2b-etl   incremental warehouse load (dw.etl_run in a loop)
CORE_SRC	+= dw/dwgen.c
CORE_LIBS	+= -lm
UNIT_CFLAGS	+= -Idw
PROGRAMS	+= $(BUILD)/g2b-gen $(BUILD)/g2b-etl

DWGEN_SRC	:= dw/cli/g2b-gen.c dw/dwgen.c bidding/prices.c portal/strbuf.c
$(BUILD)/g2b-gen: $(DWGEN_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Idw -o $@ $(DWGEN_SRC) -lpq -lcrypto -lm

$(BUILD)/g2b-etl: dw/cli/g2b-etl.c dw/dwlink.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Idw -o $@ dw/cli/g2b-etl.c dw/dwlink.c -lpq

# The warehouse connection (dw/dwdb.c): G2B_DW_DB, a database of its own
# linked to the live one over postgres_fdw (dw/dwlink.c).
KORE_SRC	+= dw/dwdb.c dw/dwlink.c
CFLAGS		+= -Idw

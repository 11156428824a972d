# crm: usage-log analysis (issue 6). Included by the Makefile.
#   crm/logparse.c  access-log lines, user agents, routes (Kore-free)
#   crm/usage.c     sessions, funnels, counters (Kore-free)
#   crm/svgchart.c  SVG charts with accessible tables (Kore-free)
#   build/g2b-logs  the importer and report (crm/cli/g2b-logs.c)
CORE_SRC	+= crm/logparse.c crm/usage.c crm/svgchart.c
CORE_LIBS	+= -lm
KORE_SRC	+= crm/usagepages.c
CFLAGS		+= -Icrm
UNIT_CFLAGS	+= -Icrm
PROGRAMS	+= $(BUILD)/g2b-logs

LOGS_SRC	:= crm/cli/g2b-logs.c crm/logparse.c crm/usage.c portal/strbuf.c \
		   portal/usagefmt.c
$(BUILD)/g2b-logs: $(LOGS_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DG2B_LOGS_ROOT='"$(CURDIR)"' -o $@ $(LOGS_SRC) \
	    -lpq -lcrypto

# XML e-documents (issue 4): the schemas in xsd/, portal/edoc.c (safe
# parse, validation, XML signatures, acknowledgement/error documents) and
# the g2b-edoc command (xsd/cli/g2b-edoc.c).
EDOC_CFLAGS	:= $(shell pkg-config --cflags libxml-2.0 xmlsec1-openssl)
EDOC_LIBS	:= $(shell pkg-config --libs libxml-2.0 xmlsec1-openssl)

CORE_SRC	+= portal/edoc.c
CORE_LIBS	+= $(EDOC_LIBS)
CFLAGS		+= $(EDOC_CFLAGS)
UNIT_CFLAGS	+= $(EDOC_CFLAGS)
PROGRAMS	+= $(BUILD)/g2b-edoc

EDOC_CLI_SRC	:= xsd/cli/g2b-edoc.c portal/edoc.c bidding/ca.c bidding/seal.c \
		   portal/crypto.c portal/strbuf.c portal/ubl.c bidding/bidfmt.c \
		   bidding/prices.c

$(BUILD)/g2b-edoc: $(EDOC_CLI_SRC) portal/edoc.h bidding/ca.h portal/ubl.h \
		   bidding/bidfmt.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(EDOC_CLI_SRC) -lcurl $(EDOC_LIBS) $(LDLIBS)

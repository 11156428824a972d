# OASIS UBL 2.3 ContractNotice (EU eForms) as an inbound notice (issue 4):
# portal/ubl.c maps it onto the portal's CallForTenders. Kore-free; needs
# xsd/build.mk (edoc, libxml2) first.
CORE_SRC	+= portal/ubl.c

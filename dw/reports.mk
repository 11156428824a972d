# Statistics report pages (dw/reports.c): /stats for staff, /stats/public.
# Charts come from crm/svgchart.c (CORE_SRC and -Icrm in crm/build.mk).
KORE_SRC	+= dw/reports.c

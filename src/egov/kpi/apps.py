from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "egov.kpi"
    label = "kpi"
    verbose_name = "Performance management (indicators, rollups, dashboards)"

    def ready(self):
        from egov.core.measures import rollup_reader_register
        from egov.kpi.selectors import rollup_cells_read

        rollup_reader_register(rollup_cells_read)

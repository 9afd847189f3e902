{#- The visit interval of each customer class (settings [classes.*].interval_days), as a
    relation (customer_class, interval_days). Bind `Settings.interval_values()`. -#}
{% macro class_intervals() -%}
SELECT unnest(CAST($interval_classes AS VARCHAR[])) AS customer_class,
       unnest(CAST($interval_days AS INTEGER[])) AS interval_days
{%- endmacro %}

{#- The columns of customers or managers (name, type, …). -#}
DESCRIBE {{ table | default("customers") }}

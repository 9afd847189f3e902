{#- Forget the rankings of older data versions and this key's old ranking. -#}
DELETE FROM risk_models WHERE data_version <> $data_version OR model_key = $model_key

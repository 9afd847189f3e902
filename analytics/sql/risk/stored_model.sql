{#- The stored risk ranking of $model_key (none when it was never trained). -#}
SELECT model_key, data_version, as_of, chosen, ranker, backtest, seconds, created_at
FROM risk_models
WHERE model_key = $model_key

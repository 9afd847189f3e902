{#- Store a trained risk ranking (replacing one of the same key). -#}
INSERT OR REPLACE INTO risk_models (model_key, data_version, as_of, chosen, ranker, backtest, seconds, created_at)
VALUES ($model_key, $data_version, $as_of, $chosen, $ranker, $backtest, $seconds, $created_at)

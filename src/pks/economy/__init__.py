"""Region-level economic steering (issue 11, R-26..R-31, R-35, R-38, R-44, R-46..R-51).

One module per concept, all pure functions from data to frozen results:

* :mod:`pks.economy.inputs` – the economy input tables (schema, validation, store);
* :mod:`pks.economy.settings` – the versioned financial targets and economy parameters
  (``models/<instance>/economy.yaml``);
* :mod:`pks.economy.revenue` – tax and grant revenue moved by the population scenario;
* :mod:`pks.economy.results` – the results budget (resultatbudget) per year;
* :mod:`pks.economy.balanced` – balanced-budget restoration (FIFO, *synnerliga skäl*);
* :mod:`pks.economy.reserves` – RER/RUR reservation and use rules;
* :mod:`pks.economy.frames` – frame projection by cost type;
* :mod:`pks.economy.verdicts` – financial-target values, margins and verdicts;
* :mod:`pks.economy.required` – the result each year needs and the tightened frames the
  strategic level plans under;
* :mod:`pks.economy.assessment` – the balanced-budget assessment (balanskravsutredning)
  for the board report.
"""

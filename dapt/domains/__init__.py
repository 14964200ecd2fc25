"""Domain plugins: the contract (base.py) and the built-in medical and finance domains."""

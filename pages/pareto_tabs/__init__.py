"""The tabs of the 80/20 page (pages/pareto.py), one module each: they read what the page hands
them, call one analytics function per block, draw and export."""

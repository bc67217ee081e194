"""Tests of iamsim.testing (assertions whose message is the explanation) and the pytest plugin."""

"""Measurements of the controlled setting, as pure functions on tensors.

Each module computes one quantity; the ``diffgen`` CLI wires them to files.
"""

"""The office's registers (``/registers``): the passport custody ledger, the sister-city register,
the register of institutions abroad and the outgoing-document register.

The processes write them through service tasks (:mod:`processes.registers`); these pages only
read. Clerks of the office and supervisors read them (:func:`engine.people.visibility.may_see_registers`);
everyone else gets 403.
"""
from webui.registers import pages  # noqa: F401  (routes attach to bp)
from webui.registers.blueprint import bp

__all__ = ["bp"]

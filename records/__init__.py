"""Shared record and error types: the contracts every layer may import.

``records.models``  the frozen records handed from one stage to the next (SourceSpec … FailureRow)
``records.errors``  the one error hierarchy (transient or permanent) and the closed set of
                    ``error_class`` values written to the warehouse

It imports nothing of Kabar's, so ``extractors``, ``fetchers``, ``warehouse``, ``pipeline``, ``flows``
and ``kabar`` can all use it without pulling in a stage.
"""

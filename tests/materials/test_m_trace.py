"""Traceability: a batch → every task and location it went into; a task → every batch."""

from eoms.core.context import Channel, acting
from eoms.materials import queries, services
from eoms.testing.materials_world import batch_line, build_materials


def test_it_traces_a_batch_to_every_task_and_location(world):
    mat = build_materials(world)
    with acting(Channel.TEST):
        services.record_usage(mat.batch, actor=world.pm, task=mat.plan.cure,
                              location="B1 底板 2 区", quantity="1.5")
    trace = [(u.task.name, u.location, str(u.quantity))
             for u in queries.trace_of_batch(mat.batch)]
    assert sorted(trace) == [("养护", "B1 底板 2 区", "1.500"),
                             ("底板浇筑", "B1 底板 1 区", "2.000")]


def test_it_lists_every_batch_used_in_a_task(world):
    mat = build_materials(world)
    with acting(Channel.TEST):
        second = services.receive_delivery(
            mat.plan.order, actor=world.qc, supplier=world.supplier,
            lines=[batch_line(mat.line, "L2026-0888", "2")]).batches.get()
        services.record_usage(second, actor=world.worker, task=mat.plan.pour,
                              location="B1 底板 3 区", quantity="2")
    found = [(u.batch.batch_number, u.batch.certificate_number)
             for u in queries.batches_of_task(mat.plan.pour)]
    assert sorted(found) == [("L2026-0415", "HG-L2026-0415"), ("L2026-0888", "HG-L2026-0888")]
    assert list(queries.batches_of_task(mat.plan.handover)) == []

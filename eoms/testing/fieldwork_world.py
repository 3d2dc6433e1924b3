"""Field work for the fixed test world, made through the services.

    field = build_fieldwork(world)
    field.plan            # build_schedule(world): pour owned by world.worker, cure crewed by
                          # world.crew (world.worker leads it)
    field.mate            # a site worker in world.crew (not its leader), member of world.project
    field.other_worker    # a site worker of world.other_project only
    field.checkin         # world.worker at world.site on plan.pour, inside the fence, open
    field.mate_checkin    # field.mate at world.site on plan.cure, no location (flagged), open
    field.other_checkin   # field.other_worker at world.other_site, inside, open
So world.worker sees his own and field.mate's check-ins (he leads the crew), field.mate
only his own, world.pm those at world.site, world.other_pm those at world.other_site.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from eoms.accounts import services as accounts
from eoms.accounts.models import CrewMembership, Role, User
from eoms.core.context import Channel, acting
from eoms.fieldwork import services
from eoms.masterdata.models import ProjectMember
from eoms.testing.scheduling_world import build_schedule
from eoms.testing.world import PASSWORD


def _worker(username: str, name: str, project: Any) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.create_user(actor=None, check_permission=False, username=username,
                                    password=PASSWORD, roles=[Role.SITE_WORKER],
                                    email=f"{username}@example.com", last_name=name[:1],
                                    first_name=name[1:])
        ProjectMember.objects.create(project=project, user=user)
    return user


def at_site(site: Any) -> dict[str, Any]:
    """The site's own coordinates, as a phone standing at its gate reports them."""
    return {"latitude": site.latitude, "longitude": site.longitude, "accuracy": 15}


def build_fieldwork(world: Any, plan: Any = None) -> SimpleNamespace:
    plan = plan or getattr(world, "_schedule", None) or build_schedule(world)
    world._schedule = plan
    with acting(Channel.TEST):
        mate = _worker("mate", "刘钢筋", world.project)
        if not CrewMembership.objects.filter(crew=world.crew, user=mate).exists():
            CrewMembership.objects.create(crew=world.crew, user=mate)
        other_worker = _worker("other_worker", "何安装", world.other_project)
        checkin = services.check_in(world.site, actor=world.worker, task=plan.pour,
                                    note="底板钢筋绑扎", **at_site(world.site))
        mate_checkin = services.check_in(world.site, actor=mate, task=plan.cure,
                                         flag_reason="手机定位打不开")
        other_checkin = services.check_in(world.other_site, actor=other_worker,
                                          **at_site(world.other_site))
    return SimpleNamespace(plan=plan, mate=mate, other_worker=other_worker, checkin=checkin,
                           mate_checkin=mate_checkin, other_checkin=other_checkin,
                           site=world.site)

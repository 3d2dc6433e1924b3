from eoms.fieldwork.choices import LocationStatus
from eoms.fieldwork.models import CheckIn
from eoms.testing.fieldwork_world import build_fieldwork


def test_it_builds_the_field_world_with_scoped_checkins(world):
    field = build_fieldwork(world)
    assert field.checkin.location_status == LocationStatus.INSIDE
    assert not field.checkin.flagged
    assert field.mate_checkin.location_status == LocationStatus.NO_LOCATION
    assert field.mate_checkin.flagged
    assert field.checkin.crew == world.crew

    def seen(user):
        return set(CheckIn.objects.for_user(user).values_list("pk", flat=True))

    assert seen(world.worker) == {field.checkin.pk, field.mate_checkin.pk}
    assert seen(field.mate) == {field.mate_checkin.pk}
    assert seen(world.pm) == {field.checkin.pk, field.mate_checkin.pk}
    assert seen(world.other_pm) == {field.other_checkin.pk}
    assert seen(world.finance) == seen(world.manager) == {
        field.checkin.pk, field.mate_checkin.pk, field.other_checkin.pk}
    assert seen(world.client) == seen(world.outsider) == set()

"""Choices of the field-work app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationStatus(models.TextChoices):
    INSIDE = "inside", _("围栏内")
    OUTSIDE = "outside", _("围栏外")
    NO_LOCATION = "no_location", _("无定位")
    NO_FENCE = "no_fence", _("工地未设坐标")


class CheckInSource(models.TextChoices):
    WEB = "web", _("手机页面")
    API = "api", _("接口")
    DEVICE = "device", _("考勤设备")


class CheckInState(models.TextChoices):
    OPEN = "open", _("在岗")
    CLOSED = "closed", _("已签退")


class PhotoState(models.TextChoices):
    PROCESSING = "processing", _("处理中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("处理失败")


class Weather(models.TextChoices):
    SUNNY = "sunny", _("晴")
    CLOUDY = "cloudy", _("多云")
    OVERCAST = "overcast", _("阴")
    LIGHT_RAIN = "light_rain", _("小雨")
    RAIN = "rain", _("中雨")
    HEAVY_RAIN = "heavy_rain", _("大雨")
    SNOW = "snow", _("雪")
    FOG = "fog", _("雾/霾")
    WIND = "wind", _("大风")


class DailyLogState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签署")

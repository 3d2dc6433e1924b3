from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。注意密码区分大小写。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("界面语言"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100,
                           help_text=_("例如：CRM 同步、考勤机 1 号"))
    expires_days = forms.IntegerField(label=_("有效期（天）"), required=False, min_value=1,
                                      max_value=3650, help_text=_("留空表示永不过期"))

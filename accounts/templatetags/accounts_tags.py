"""{% load accounts_tags %}: whether to offer the accounts page (the view decides again)."""

from django import template

from departments import permissions

register = template.Library()


@register.filter
def can_manage_accounts(user) -> bool:
    return permissions.can_manage_accounts(user)

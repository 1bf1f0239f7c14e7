from django.conf import settings


def navigation(request):
    return {"city_name": settings.CITY_NAME}

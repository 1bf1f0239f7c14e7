from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from config import views as config_views
from goals import views as goal_views


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; static() resolves per request so
    that the hashed name from collectstatic is used in production."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


admin.site.site_header = "組織目標 管理画面"
admin.site.site_title = "組織目標 管理画面"
admin.site.index_title = "管理"

urlpatterns = [
    path("", goal_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/resume/", config_views.session_resume, name="session_resume"),
    # Changing and resetting one's password (Django's URL names, e.g. password_change).
    path("", include("accounts.password_urls")),
    path("accounts/", include("accounts.urls")),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("sheets/", include("goals.urls")),
    path("excel/", include("excel.urls")),
    path("reviews/", include("reviews.urls")),
    path("print/", include("printing.urls")),
    path("notifications/", include("notifications.urls")),
    path("publication/", include("publication.urls")),
    path("public/", include("publication.public_urls")),
]

# A lost database connection is a 503 with its own Japanese page (config/views.py).
handler500 = "config.views.server_error"

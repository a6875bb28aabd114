from django.urls import path

from portal import discovery, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("governance/", views.governance, name="governance"),
    path("member-access/", views.member_access, name="member_access"),
    path("posts/", views.post_list, name="posts"),
    path("posts/feed.atom", views.news_feed, name="feed"),
    path("posts/new/", views.post_edit, name="post_new"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/archive/", views.post_archive, name="post_archive"),
    path("posts/<int:pk>/file", views.post_file, name="post_file"),
    path("search/", views.search, name="search"),
    # Pages that gather what every capability has for one reader or one group
    path("me/", views.member_home, name="member_home"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("invite/post/<int:pk>/", views.invite_to_post, name="invite_to_post"),
    # Discovery: sitemaps and robots.txt (portal/discovery.py)
    path("sitemap.xml", discovery.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", discovery.sitemap_section, name="sitemap_section"),
    path("robots.txt", discovery.robots_txt, name="robots"),
]

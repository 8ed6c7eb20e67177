"""The app's entry point, a router only: page config, who is signed in, the pages of their role."""

import streamlit as st

from judging.ui import chrome, common, forms, incidents, pages

incidents.setup_logging()  # the server's log, set up once per process
forms.new_run()  # no write form's press is taken yet in this run

st.set_page_config(page_title=common.tr("app.title"), page_icon=":material/fact_check:", layout="wide")
chrome.apply()  # no developer chrome; our texts in place of Streamlit's English ones
common.language_switch()
user = common.current_user(start_of_run=True)
role = user.role if user else None
# expanded: the organiser's menu is longer than the ten pages Streamlit shows before "View more"
navigation = st.navigation(pages.navigation_for(role), position="sidebar" if user else "hidden", expanded=True)
if user is not None:
    st.sidebar.caption(common.tr("app.signed_in_as", name=common.plain(user.display_name), role=common.tr(f"role.{user.role}")))
    if st.sidebar.button(common.tr("app.sign_out"), key="sign_out"):
        common.sign_out()
        st.rerun()
    common.watch_idle(navigation.url_path)  # with the browser's frame: cookie, activity, connection banner
else:
    common.mount_shell(watch=False)  # the cookie and the connection banner
# with error details hidden (judging serve), a page's exception becomes an incident id here
incidents.guard_page(navigation.run, page=navigation.url_path, username=user.username if user else None)

-- wrk: GET with a session cookie from the environment.
wrk.headers["Cookie"] = os.getenv("WRK_COOKIE")
wrk.headers["Accept"] = "text/html"

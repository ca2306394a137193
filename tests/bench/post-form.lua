-- wrk: POST a form (body and headers from the environment), then report like percentiles.lua.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = os.getenv("WRK_ORIGIN")
wrk.headers["Accept"] = "text/html"

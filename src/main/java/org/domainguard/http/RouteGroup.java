package org.domainguard.http;

import io.vertx.ext.web.Router;

/**
 * A few related admin routes. Each route is one line of {@link #mount}: method, path and a
 * pipeline ending in {@link Responses#reply}; authentication, role checks (anything but a read
 * needs an operator), body limits and error mapping are already in front of every route.
 */
interface RouteGroup {
  void mount(Router router);
}

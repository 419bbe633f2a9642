package dev.devassist.platform.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.WebFilterChainProxy;

/**
 * Makes the security firewall's refusals (a path with an encoded slash, {@code ..}, a
 * control character and the like) problem+json that says why, rather than a bare 400.
 */
public final class RejectedExchanges implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebFilterChainProxy proxy) {
			proxy.setExchangeRejectedHandler((exchange, ex) -> Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"rejected-request", "The request was refused before routing: " + ex.getMessage()
							+ ". Paths may not hold encoded slashes, '..' segments or control characters."));
		}
		return bean;
	}

}

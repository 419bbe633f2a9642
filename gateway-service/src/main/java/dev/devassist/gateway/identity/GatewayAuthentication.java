package dev.devassist.gateway.identity;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated caller: {@code SCOPE_x} for each scope, {@code ROLE_x} for each role,
 * and {@code SESSION} when the call came with a login session rather than an API key.
 */
public final class GatewayAuthentication extends AbstractAuthenticationToken {

	/** The authority of calls made with a login session. */
	public static final String SESSION = "SESSION";

	private final GatewayPrincipal principal;

	public GatewayAuthentication(GatewayPrincipal principal) {
		super(authorities(principal));
		this.principal = principal;
		setAuthenticated(true);
	}

	private static List<GrantedAuthority> authorities(GatewayPrincipal principal) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		principal.scopes().forEach((scope) -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope)));
		principal.roles().forEach((role) -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
		if (principal.keyId() == null) {
			authorities.add(new SimpleGrantedAuthority(SESSION));
		}
		return authorities;
	}

	@Override
	public GatewayPrincipal getPrincipal() {
		return this.principal;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public String getName() {
		return this.principal.username();
	}

}

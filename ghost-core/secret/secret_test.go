package secret

import "testing"

func TestMask(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"DATABASE_URL", "postgres://admin:pw123@db/prod", "postgres://admin:" + Masked + "@db/prod"},
		{"HTTPS_PROXY", "http://u:pw@proxy.example:3128", "http://u:" + Masked + "@proxy.example:3128"},
		{"MIRRORS", "https://a:1@x https://b:2@y", "https://a:" + Masked + "@x https://b:" + Masked + "@y"},
		{"REPO", "ssh://git@github.com/x", "ssh://git@github.com/x"},
		{"PGPASS", "pw", Masked},
		{"GPG_PASSPHRASE", "pw", Masked},
		{"GITHUB_PAT", "ghp_x", Masked},
		{"API_TOKEN", "t", Masked},
		{"AWS_SECRET_ACCESS_KEY", "k", Masked},
		{"DB_PASSWORD", "p", Masked},
		{"db_passwd", "p", Masked},
		{"GOOGLE_APPLICATION_CREDENTIALS", "/k.json", Masked},
		{"SSH_PRIVATE_KEY", "k", Masked},
		{"APIKEY", "k", Masked},
		{"BASIC_AUTH", "u:p", Masked},
		{"PWD", "/home/me", "/home/me"},
		{"OLDPWD", "/tmp", "/tmp"},
		{"SSL_CERT_FILE", "/etc/ssl/cert.pem", "/etc/ssl/cert.pem"},
		{"PATH", "/usr/bin", "/usr/bin"},
		{"KEYBOARD_LAYOUT", "us", "us"},
		{"HOME", "/root", "/root"},
		{"API_TOKEN", "", ""},
	} {
		if got := Mask(c.name, c.value); got != c.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}
